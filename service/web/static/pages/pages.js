// The analyst pages' one interaction: selecting an item (a key point, an event, a timeline
// row or a map marker, each a link with data-select) marks exactly that item's evidence in
// the article and scrolls to its first span. Without this script the same links jump to
// the span's anchor. Only classes and attributes change here; no text becomes markup.
"use strict";
(() => {
  const marks = Array.from(document.querySelectorAll("mark[data-items]"));
  if (marks.length === 0) return; // a job page: its links lead to its cards and the briefing pages
  const selectors = Array.from(document.querySelectorAll("[data-select]"));

  function select(id, scroll) {
    let first = null;
    for (const mark of marks) {
      const on = mark.dataset.items.split(" ").includes(id);
      mark.classList.toggle("is-selected", on);
      if (on && first === null) first = mark;
    }
    document.body.classList.toggle("has-selection", first !== null);
    for (const element of selectors) {
      const on = element.dataset.select === id;
      element.classList.toggle("is-active", on);
      element.setAttribute("aria-current", on ? "true" : "false");
    }
    if (first !== null && scroll) first.scrollIntoView({ block: "center" });
    return first !== null;
  }

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("[data-select]") : null;
    if (target === null) return;
    if (select(target.dataset.select, true)) {
      event.preventDefault();
      history.replaceState(null, "", "#at-" + target.dataset.select);
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") select("", false);
  });
  const hash = decodeURIComponent(location.hash);
  if (hash.startsWith("#at-")) select(hash.slice(4), true);
})();
