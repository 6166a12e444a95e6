import { App } from "./App";
import { mountPage } from "./mountPage";

mountPage(<App />);
