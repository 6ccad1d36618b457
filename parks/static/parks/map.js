// Draws the parks map from the JSON the page embeds (json_script); the list beside it is the fallback.
// Nothing here derives an image path: markers and cluster badges are CSS (divIcon), and the
// province outlines come from a static file whose hashed URL the template hands over.
(function () {
  "use strict";

  // The interface text comes translated from the page (data-msg-* on the map element).
  var messages = {};

  function message(name, values) {
    var text = messages[name] || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.replace("{" + key + "}", values[key]);
    });
    return text;
  }

  function setStatus(element, text) {
    if (element) {
      element.textContent = text;
    }
  }

  function loadPoints(container, status) {
    // The list page fetches every filtered park; other pages embed their few points.
    if (container.dataset.pointsUrl) {
      fetch(container.dataset.pointsUrl, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.statusText);
          }
          return response.json();
        })
        .then(function (data) { drawMap(container, status, pointsFromRows(data)); })
        .catch(function () {
          setStatus(status, message("msgDataFailed"));
        });
      return;
    }
    var dataElement = document.getElementById(container.dataset.points);
    drawMap(container, status, dataElement ? JSON.parse(dataElement.textContent) : []);
  }

  // map.json sends one array per park in the order of data.columns, and one URL with {slug} in it.
  function pointsFromRows(data) {
    var at = {};
    data.columns.forEach(function (name, index) { at[name] = index; });
    return data.parks.map(function (row) {
      return {
        name: row[at.name],
        name_zh: row[at.name_zh],
        url: data.url.replace("{slug}", encodeURIComponent(row[at.slug])),
        position: [row[at.lat], row[at.lng]],
        approximate: row[at.approximate],
        coord_note: row[at.coord_note]
      };
    });
  }

  // Up to this many parks are drawn one by one, each with its name.
  var FEW = 8;

  // Keyboard: markers take Tab in the order of the list; Enter opens a popup and moves focus to its
  // link; Escape closes it and returns focus to the marker.
  function keyboardOrder(map, container, markers) {
    var pane = map.getPane("markerPane");
    function reorder() {
      var icons = Array.prototype.slice.call(pane.children);
      icons.sort(function (a, b) { return (a.listIndex === undefined ? -1 : a.listIndex) - (b.listIndex === undefined ? -1 : b.listIndex); });
      icons.forEach(function (icon) { pane.appendChild(icon); });
    }
    markers.forEach(function (marker) {
      marker.on("add", function () { marker.getElement().listIndex = marker.listIndex; });
      if (marker.getElement()) {
        marker.getElement().listIndex = marker.listIndex;
      }
    });
    map.on("moveend zoomend layeradd", function () { window.requestAnimationFrame(reorder); });
    reorder();
    var opener = null;
    map.on("popupopen", function (event) {
      opener = event.popup._source;
      var link = event.popup.getElement().querySelector(".leaflet-popup-content a");
      if (link && opener && opener.getElement() === document.activeElement) {
        link.focus({ preventScroll: true });
      }
    });
    map.on("popupclose", function (event) {
      var source = event.popup._source;
      if (source && source.getElement() && container.contains(document.activeElement) && document.activeElement !== source.getElement()) {
        source.getElement().focus({ preventScroll: true });
      }
    });
    container.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && map.hasLayer(opener ? opener.getPopup() : null)) {
        var source = opener;
        map.closePopup();
        if (source && source.getElement()) {
          source.getElement().focus({ preventScroll: true });
        }
      }
    });
  }

  // Over tiles the outlines are lines with a faint fill; without tiles their fill is the land.
  var OVER_TILES = { fillOpacity: 0.1 };
  var WITHOUT_TILES = { fillOpacity: 1 };

  function addOutlines(map, url, state) {
    // Province outlines drawn under the markers: the map shows where the parks are with no tiles.
    if (!url) {
      return;
    }
    fetch(url)
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.statusText);
        }
        return response.json();
      })
      .then(function (outlines) {
        state.outlines = L.geoJSON(outlines, {
          interactive: false,
          style: L.extend(
            { className: "province-outline", color: "#5a5a5a", weight: 1.5, fillColor: "#fdfcf9" },
            state.withoutTiles ? WITHOUT_TILES : OVER_TILES
          ),
          onEachFeature: function (feature, layer) { addProvinceName(map, feature, layer); }
        }).addTo(map);
      })
      .catch(function () { /* The tiles or a plain background remain; the markers do not depend on it. */ });
  }

  // Each province's name in the page's language, under the markers: without tiles it is the map's only place name.
  function addProvinceName(map, feature, layer) {
    if (!map.getPane("provinceNames")) {
      map.createPane("provinceNames").style.zIndex = 450;
    }
    var chinese = document.documentElement.lang.indexOf("zh") === 0;
    var name = document.createElement("span");
    name.textContent = chinese ? feature.properties.name_zh : feature.properties.name;
    L.marker(layer.getBounds().getCenter(), {
      pane: "provinceNames",
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: "province-name", html: name.outerHTML, iconSize: null })
    }).addTo(map);
  }

  function markerIcon(point) {
    return L.divIcon({
      className: "park-marker" + (point.approximate ? " park-marker-approx" : ""),
      iconSize: [18, 18]
    });
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var label = document.createElement("span");
    label.textContent = String(count);
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + message("msgCluster");
    var wrapper = document.createElement("div");
    wrapper.appendChild(label);
    wrapper.appendChild(hidden);
    return L.divIcon({ html: wrapper.innerHTML, className: "park-cluster", iconSize: [32, 32] });
  }

  function popupContent(point) {
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    popup.appendChild(link);
    if (point.name_zh) {
      var chinese = document.createElement("span");
      chinese.lang = "zh-Hans";
      chinese.textContent = " " + point.name_zh;
      popup.appendChild(chinese);
    }
    if (point.approximate) {
      var note = document.createElement("p");
      note.className = "park-map-approx";
      note.textContent = message("msgApproximate", { note: point.coord_note });
      popup.appendChild(note);
    }
    return popup;
  }

  function drawMap(container, status, points) {
    if (!points.length) {
      setStatus(status, message("msgNoCoordinates"));
      return;
    }
    container.classList.add("park-map-active");
    var map = L.map(container, { scrollWheelZoom: false, keyboard: true, maxZoom: 12 });
    var failedTiles = 0;
    // No tile server configured: the outlines are the land from the start, and no other host is asked.
    var state = { withoutTiles: !container.dataset.tileUrl, outlines: null };
    addOutlines(map, container.dataset.outlinesUrl, state);
    var summary = (points.length === 1 ? message("msgOnePark") : message("msgParks", { count: points.length })) +
      " " + message("msgInstructions");
    if (container.dataset.tileUrl) {
      var tiles = L.tileLayer(container.dataset.tileUrl, {
        attribution: container.dataset.tileAttribution,
        subdomains: container.dataset.tileSubdomains,
        maxZoom: 12
      });
      tiles.on("tileerror", function () {
        failedTiles += 1;
        if (failedTiles === 1) {
          state.withoutTiles = true;
          if (state.outlines) {
            state.outlines.setStyle(WITHOUT_TILES);
          }
          setStatus(status, summary + " " + message("msgTilesFailed"));
        }
      });
      tiles.addTo(map);
    }

    // A few parks (a narrow filter) each get a marker and a name beside it, grouped only where they share
    // a point; many parks are grouped into numbered clusters.
    var few = points.length <= FEW;
    var group = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: few ? 1 : 30, iconCreateFunction: clusterIcon
    });
    var markers = points.map(function (point, index) {
      var title = point.name + (point.name_zh ? " " + point.name_zh : "") + (point.approximate ? " " + message("msgApproximateTitle") : "");
      // Drawn at its position on the tiles (converted by the server where they need it); the list keeps the stored one.
      var marker = L.marker(point.position, { icon: markerIcon(point), title: title, keyboard: true });
      marker.listIndex = index;
      // Inside the map, never clipped at its edge: the map pans to show the whole popup.
      marker.bindPopup(popupContent(point), {
        maxWidth: Math.max(160, container.clientWidth - 80), autoPanPadding: [16, 16], keepInView: true
      });
      // A park page's one park is the page's own: its name is the heading, not a label over the map.
      if (few && points.length > 1) {
        marker.bindTooltip(point.name, { permanent: true, direction: "auto", offset: [10, 0], className: "park-label" });
      }
      group.addLayer(marker);
      return marker;
    });
    group.addTo(map);
    // Without tiles, a closer view than the province's would show a dot on blank ground: the outlines and
    // province names are the only context.
    var closest = few && container.dataset.tileUrl ? 9 : 6;
    var fit = function () { map.fitBounds(group.getBounds(), { padding: few ? [48, 48] : [24, 24], maxZoom: closest }); };
    fit();
    // Drawn while hidden (a phone showing the list): sized and fitted again once shown.
    container.addEventListener("parkmap:shown", function () { map.invalidateSize(); fit(); });
    keyboardOrder(map, container, markers);
    if (!failedTiles) {
      setStatus(status, summary);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("park-map");
    var status = document.getElementById("park-map-status");
    if (!container) {
      return;
    }
    messages = container.dataset;
    if (!window.L || !L.markerClusterGroup) {
      setStatus(status, message("msgDrawFailed"));
      return;
    }
    loadPoints(container, status);
  });
})();
