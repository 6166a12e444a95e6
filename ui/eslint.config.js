import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "coverage", "src/bindings.ts"] },
  {
    files: ["**/*.{ts,tsx,js}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Tauri is reached through src/backend only: the rest of the UI stays testable without it.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@tauri-apps/*"],
              message: "Import from src/backend instead: it is the one module that talks to Tauri.",
            },
            {
              group: ["**/bindings", "**/bindings.ts"],
              message:
                "Import types and calls from src/backend, which wraps the generated bindings.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/backend/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
