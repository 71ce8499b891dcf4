/* Draw the public accounts' charts with Chart.js from the JSON in each canvas's data-chart attribute
   ({type, labels, datasets: [{label, data}], divisor}); the same figures are in the table beside it. */
(function () {
  "use strict";
  var COLOURS = ["#1f6f43", "#b3541e", "#5a5a8c", "#8c6d1f"];

  function draw(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    var divisor = spec.divisor || 1;
    var datasets = spec.datasets.map(function (set, i) {
      return {
        label: set.label,
        data: set.data.map(function (value) { return value / divisor; }),
        backgroundColor: COLOURS[i % COLOURS.length],
        borderColor: COLOURS[i % COLOURS.length]
      };
    });
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        plugins: { legend: { labels: { font: { size: 16 } } } },
        scales: {
          x: { ticks: { font: { size: 14 } } },
          y: { beginAtZero: true, ticks: { font: { size: 14 } } }
        }
      }
    });
  }

  function start() {
    if (!window.Chart) {
      return;  // the tables beside the charts carry the same figures
    }
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
