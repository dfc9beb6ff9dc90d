// bitext views: long machine translations open on click, and so do long English sentences
// folded around their matched spans (shown whole without JavaScript); the alignment views'
// minimum-score filter works live (its form still works without JavaScript).
document.addEventListener("click", (event) => {
  const clamp = event.target.closest(".clamp");
  if (clamp) clamp.classList.toggle("open");
  const text = event.target.closest(".match p");
  if (text && text.querySelector(".fold")) text.classList.toggle("folded");
});

document.addEventListener("DOMContentLoaded", () => {
  for (const fold of document.querySelectorAll(".match p .fold")) {
    const text = fold.parentElement;
    text.classList.add("folded");
    text.title = "click to show or fold the whole sentence";
  }
  const slider = document.getElementById("min-score");
  const output = document.getElementById("min-score-value");
  const summary = document.getElementById("summary");
  if (!slider) return;
  // Parallel view: every sentence's row; comparable view: the paired sentences' rows.
  const rows = Array.from(document.querySelectorAll("tr.row"));
  const apply = () => {
    const min = parseFloat(slider.value);
    output.textContent = min.toFixed(2);
    let aligned = 0;
    for (const row of rows) {
      const matches = row.querySelectorAll(".match");
      let visible = 0;
      for (const match of matches) {
        const show = parseFloat(match.dataset.score) >= min;
        match.classList.toggle("hidden", !show);
        if (show) visible += 1;
      }
      for (const group of row.querySelectorAll(".group")) {
        group.classList.toggle("hidden", !group.querySelector(".match:not(.hidden)"));
      }
      if (matches.length) {
        row.classList.toggle("aligned", visible > 0);
        row.classList.toggle("unaligned", visible === 0);
      }
      if (row.classList.contains("aligned")) aligned += 1;
    }
    summary.textContent = `${aligned} of ${summary.dataset.total} Chinese sentences ` +
      `${summary.dataset.verb}` + (min > 0 ? ` at score ≥ ${min.toFixed(2)}.` : ".");
  };
  slider.addEventListener("input", apply);
  const table = document.querySelector("table.side-by-side");
  const toggle = document.getElementById("show-unaligned");
  if (toggle) {
    toggle.addEventListener("change", (event) => {
      table.classList.toggle("hide-unaligned", !event.target.checked);
    });
  }
});
