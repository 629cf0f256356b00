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
  // A map chart: the map's script is loaded once when the map is not registered yet (a city's map by county), and each
  // data item is matched to the map's area of the same name, or of the same name without 区/县/市 (the boundaries are
  // older than some renamings: 淮阳县 is 淮阳区 now).
  renderMap: async function (id, mapName, script, option) {
    if (!window.echarts) return false;
    if (!echarts.getMap(mapName) && script) {
      await new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = script;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    var map = echarts.getMap(mapName);
    if (!map) return false;
    var stem = function (name) { return name.replace(/(回族区|区|县|市)$/, ""); };
    var areas = {};
    (map.geoJSON || map.geoJson).features.forEach(function (f) { areas[f.properties.name] = f.properties.name; areas[stem(f.properties.name)] = f.properties.name; });
    option.series.forEach(function (series) {
      series.map = mapName;
      series.data.forEach(function (item) { item.name = areas[item.name] || areas[stem(item.name)] || item.name; });
    });
    return this.render(id, option);
  },
  dispose: function (id) {
    var element = document.getElementById(id);
    var chart = element && echarts.getInstanceByDom(element);
    if (chart) chart.dispose();
  }
};
