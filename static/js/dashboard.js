/* Dashboard charts, drawn with the vendored Chart.js from the data the page serialises in #dashboard-charts. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var locale = document.documentElement.lang || "vi";
  var colours = ["#146c43", "#20c997", "#8fd19e", "#dee2e6", "#0d6efd", "#fd7e14", "#6f42c1", "#d63384"];
  Chart.defaults.locale = locale;
  Chart.defaults.animation = window.matchMedia && window.matchMedia("print").matches ? false : Chart.defaults.animation;

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) {
      new Chart(canvas, config);
    }
  }

  if (data.buckets) {
    draw("chart-buckets", {
      type: "doughnut",
      data: {
        labels: data.buckets.labels,
        datasets: [{ label: data.buckets.label, data: data.buckets.values, backgroundColor: ["#146c43", "#8fd19e", "#ffc107", "#dc3545"] }],
      },
      options: { maintainAspectRatio: false, plugins: { legend: { position: "right" } } },
    });
  }

  if (data.units) {
    // Colours by level for the per-commune chart: not yet NTM, basic, advanced, model, modern.
    var levelColours = ["#adb5bd", "#8fd19e", "#20c997", "#146c43", "#0d6efd"];
    draw("chart-units", {
      type: "bar",
      data: {
        labels: data.units.labels,
        datasets: data.units.series.map(function (s, i) {
          return {
            label: s.label,
            data: s.values,
            backgroundColor: s.levels ? s.levels.map(function (l) { return levelColours[l] || colours[0]; }) : colours[i % colours.length],
          };
        }),
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: {
          x: { stacked: data.units.stacked, ticks: { precision: 0 }, max: data.units.max || undefined, beginAtZero: true },
          y: { stacked: data.units.stacked },
        },
        plugins: { legend: { position: "bottom", display: data.units.stacked } },
      },
    });
  }

  if (data.capital) {
    // Capital by source group and year: series may name a stack (plan beside mobilised), a colour index and
    // "light" (the plan drawn paler than what was mobilised).
    var groupColours = ["#146c43", "#0d6efd", "#fd7e14", "#6f42c1"];
    draw("chart-capital", {
      type: "bar",
      data: {
        labels: data.capital.labels,
        datasets: data.capital.series.map(function (s, i) {
          var colour = s.colour !== undefined ? groupColours[s.colour % groupColours.length] : colours[(i + 4) % colours.length];
          return {
            label: s.label,
            data: s.values,
            stack: s.stack,
            backgroundColor: s.light ? colour + "66" : colour,
            borderColor: colour,
            borderWidth: s.light ? 1 : 0,
          };
        }),
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          x: { stacked: !!data.capital.stacked },
          y: { stacked: !!data.capital.stacked, beginAtZero: true, ticks: { callback: function (v) { return Number(v).toLocaleString(locale); } } },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + Number(ctx.parsed.y).toLocaleString(locale) + " " + (data.capital.unit || ""); } } },
        },
      },
    });
  }
})();
