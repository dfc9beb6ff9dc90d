// bitext views: long machine translations open on click; the side-by-side view's minimum-score
// filter works live (its form still works without JavaScript).
document.addEventListener("click", (event) => {
  const clamp = event.target.closest(".clamp");
  if (clamp) clamp.classList.toggle("open");
});

document.addEventListener("DOMContentLoaded", () => {
  const slider = document.getElementById("min-score");
  const output = document.getElementById("min-score-value");
  const summary = document.getElementById("summary");
  if (!slider) return;
  const rows = Array.from(document.querySelectorAll("table.side-by-side tr.row"));
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
      if (matches.length) {
        row.classList.toggle("aligned", visible > 0);
        row.classList.toggle("unaligned", visible === 0);
      }
      if (row.classList.contains("aligned")) aligned += 1;
    }
    summary.textContent = `${aligned} of ${rows.length} Chinese sentences aligned` +
      (min > 0 ? ` at score ≥ ${min.toFixed(2)}.` : ".");
  };
  slider.addEventListener("input", apply);
  const table = document.querySelector("table.side-by-side");
  document.getElementById("show-unaligned").addEventListener("change", (event) => {
    table.classList.toggle("hide-unaligned", !event.target.checked);
  });
});
