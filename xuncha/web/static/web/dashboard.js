// The dashboard's charts: drawn with ECharts (served from the app's own static files) from the
// figures the page carries in its json_script block. Every label arrives from the server
// already translated; the tables beside the charts hold the same numbers without any script.
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#1f5aa6", "#a61b1b", "#e9c46a", "#1c7c54", "#7b8794", "#8a5a00", "#52606d"];
  // The warning colours keep their meaning: green, yellow, red, then paused in grey.
  var warningPalette = ["#1c7c54", "#e9b10a", "#b42318", "#9aa5b1"];
  var drawn = {};

  function baseOption(chart) {
    return {
      color: chart.key === "warnings" ? warningPalette : palette,
      animation: false,
      tooltip: { trigger: chart.kind === "pie" ? "item" : "axis" },
      legend: { show: chart.series.length > 1 || chart.kind === "pie", bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    };
  }

  function pieOption(chart) {
    var option = baseOption(chart);
    var series = chart.series[0];
    option.series = [
      {
        name: series.name,
        type: "pie",
        radius: ["35%", "60%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}", overflow: "none" },
        data: chart.categories.map(function (name, index) {
          return { name: name, value: series.values[index] };
        }),
      },
    ];
    return option;
  }

  function barOption(chart) {
    var option = baseOption(chart);
    var horizontal = chart.key === "overdue" || chart.key === "accountability";
    var categoryAxis = {
      type: "category",
      data: chart.categories,
      axisLabel: { interval: 0, hideOverlap: true },
    };
    var valueAxis = { type: "value", minInterval: chart.key === "money" ? 0 : 1 };
    if (horizontal) {
      categoryAxis.inverse = true;
      option.xAxis = valueAxis;
      option.yAxis = categoryAxis;
    } else {
      categoryAxis.axisLabel.rotate = chart.categories.length > 6 ? 30 : 0;
      option.xAxis = categoryAxis;
      option.yAxis = valueAxis;
    }
    option.series = chart.series.map(function (series) {
      return {
        name: series.name,
        type: "bar",
        stack: chart.kind === "stacked" ? "total" : undefined,
        data: series.values,
        label: { show: chart.kind !== "stacked", position: horizontal ? "right" : "top" },
      };
    });
    return option;
  }

  function draw(chart) {
    var element = document.querySelector('[data-chart="' + chart.key + '"]');
    if (!element) {
      return;
    }
    var rows = chart.categories.length;
    if (chart.key === "overdue" || chart.key === "accountability") {
      element.style.height = Math.max(240, 28 * rows + 60) + "px";
    }
    var instance = window.echarts.init(element, null, { renderer: "canvas" });
    instance.setOption(chart.kind === "pie" ? pieOption(chart) : barOption(chart));
    drawn[chart.key] = instance;
    var button = document.querySelector('[data-download="' + chart.key + '"]');
    if (button) {
      button.hidden = false;
      button.setAttribute("title", data.labels.download);
      button.addEventListener("click", function () {
        var link = document.createElement("a");
        link.href = instance.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
        link.download = "dashboard-" + chart.key + ".png";
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    }
  }

  data.charts.forEach(draw);
  window.addEventListener("resize", function () {
    Object.keys(drawn).forEach(function (key) {
      drawn[key].resize();
    });
  });
})();
