// The portal's charts (ECharts), drawn from options the server builds; each resizes with the window, so one page
// serves a phone and a large screen.
window.pinganCharts = {
  render: function (id, option) {
    var element = document.getElementById(id);
    if (!element || !window.echarts) return false;
    var chart = echarts.getInstanceByDom(element) || echarts.init(element);
    chart.setOption(option, true);
    if (!element.dataset.resizes) {
      element.dataset.resizes = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    }
    element.dataset.rendered = "1";
    return true;
  },
  dispose: function (id) {
    var element = document.getElementById(id);
    var chart = element && echarts.getInstanceByDom(element);
    if (chart) chart.dispose();
  }
};
