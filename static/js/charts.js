/* The report pages' charts, drawn from the data-* attributes their templates render.
   A file of its own rather than inline scripts, so the pages keep a strict
   Content-Security-Policy. Tooltips are drawn on the canvas (renderMode "richText"):
   ECharts' HTML tooltips carry style attributes, which the policy refuses. */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var charts = [];
  var tooltip = function (extra) {
    return Object.assign({renderMode: "richText"}, extra);
  };

  function draw(id, options) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = echarts.init(element);
    chart.setOption(options(element, JSON.parse(element.dataset.chart)));
    charts.push(chart);
  }

  function rotate(names) {
    return {interval: 0, rotate: names.length > 8 ? 30 : 0};
  }

  draw("compliance-chart", function (element, data) {
    return {
      grid: {left: 48, right: 16, top: 24, bottom: 64},
      tooltip: tooltip({trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + " %"; }}),
      xAxis: {type: "category", data: data.names, axisLabel: rotate(data.names)},
      yAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value} %"}},
      series: [{type: "bar", name: element.dataset.label, data: data.rates,
                label: {show: true, position: "top", formatter: "{c} %"}}]
    };
  });

  draw("trend-chart", function (element, data) {
    return {
      grid: {left: 40, right: 16, top: 32, bottom: 40},
      tooltip: tooltip({trigger: "axis"}),
      legend: {data: [element.dataset.cases, element.dataset.successes]},
      xAxis: {type: "category", data: data.months},
      yAxis: {type: "value", minInterval: 1},
      series: [{type: "line", name: element.dataset.cases, data: data.cases},
               {type: "line", name: element.dataset.successes, data: data.successes}]
    };
  });

  draw("type-chart", function (element, data) {
    return {
      tooltip: tooltip({trigger: "item"}),
      series: [{type: "pie", radius: ["35%", "65%"], data: data}]
    };
  });

  draw("ranking-chart", function (element, data) {
    return {
      grid: {left: 48, right: 16, top: 32, bottom: 72},
      tooltip: tooltip({trigger: "axis"}),
      legend: {top: 0},
      xAxis: {type: "category", data: data.names, axisLabel: rotate(data.names)},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {type: "bar", name: element.dataset.cases, data: data.cases},
        {type: "bar", name: element.dataset.successes, data: data.successes},
        {type: "line", name: element.dataset.target, data: data.targets, step: "middle"}
      ]
    };
  });

  // The dashboard: this year's cases month by month against last year's.
  draw("year-chart", function (element, data) {
    return {
      grid: {left: 40, right: 16, top: 32, bottom: 32},
      tooltip: tooltip({trigger: "axis"}),
      legend: {top: 0},
      xAxis: {type: "category", data: data.months},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {type: "line", name: data.last_label, data: data.last_year, lineStyle: {type: "dashed"}},
        {type: "line", name: data.this_label, data: data.this_year}
      ]
    };
  });

  // The dashboard: cases by county (by township for a county), this year and last.
  draw("area-chart", function (element, data) {
    return {
      grid: {left: 40, right: 16, top: 32, bottom: 64},
      tooltip: tooltip({trigger: "axis"}),
      legend: {top: 0},
      xAxis: {type: "category", data: data.names, axisLabel: rotate(data.names)},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {type: "bar", name: data.last_label, data: data.last_year},
        {type: "bar", name: data.this_label, data: data.this_year}
      ]
    };
  });

  // Grading: serving mediators per level, by county (or township), stacked.
  draw("grading-chart", function (element, data) {
    return {
      grid: {left: 40, right: 16, top: 32, bottom: 64},
      tooltip: tooltip({trigger: "axis"}),
      legend: {top: 0},
      xAxis: {type: "category", data: data.names, axisLabel: rotate(data.names)},
      yAxis: {type: "value", minInterval: 1},
      series: data.series.map(function (s) {
        return {type: "bar", stack: "levels", name: s.name, data: s.data};
      })
    };
  });

  // Subsidies: spending per month, and the running total against the budget.
  draw("budget-chart", function (element, data) {
    var budget = data.budget ? [{yAxis: data.budget, name: data.labels.budget}] : [];
    return {
      grid: {left: 64, right: 16, top: 32, bottom: 32},
      tooltip: tooltip({trigger: "axis"}),
      legend: {top: 0},
      xAxis: {type: "category", data: data.months},
      // Tall enough to show the budget's line even before spending nears it.
      yAxis: {type: "value", max: function (v) {
        return Math.ceil(Math.max(v.max, data.budget * 1.05) / 10000) * 10000;
      }},
      series: [
        {type: "bar", name: data.labels.spent, data: data.spent},
        {type: "line", name: data.labels.running, data: data.running,
         markLine: {symbol: "none", lineStyle: {type: "dashed", color: "#dc3545"},
                    label: {formatter: data.labels.budget}, data: budget}}
      ]
    };
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
