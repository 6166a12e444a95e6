// The page's first paint (the header index.html draws) comes before the UI's script is even
// parsed: it is loaded once that paint is on screen.
requestAnimationFrame(() => {
  setTimeout(() => {
    void import("./main");
  }, 0);
});
