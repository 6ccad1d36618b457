// Draws the parks map from the JSON the page embeds (json_script); the list beside it is the fallback.
(function () {
  "use strict";

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
          setStatus(status, "The map data could not load; the parks are listed below.");
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
        lat: row[at.lat],
        lng: row[at.lng]
      };
    });
  }

  function drawMap(container, status, points) {
    if (!points.length) {
      setStatus(status, "None of these parks has coordinates to show on a map.");
      return;
    }
    container.classList.add("park-map-active");
    var map = L.map(container, { scrollWheelZoom: false, keyboard: true });
    var tiles = L.tileLayer(container.dataset.tileUrl, {
      attribution: container.dataset.tileAttribution,
      maxZoom: 18
    });
    var failedTiles = 0;
    tiles.on("tileerror", function () {
      failedTiles += 1;
      if (failedTiles === 1) {
        setStatus(status, "Map tiles could not load; the markers still work, and the parks are listed below.");
      }
    });
    tiles.addTo(map);

    var markers = points.map(function (point) {
      var title = point.name + (point.name_zh ? " " + point.name_zh : "");
      var marker = L.marker([point.lat, point.lng], { title: title, alt: title, keyboard: true });
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.name;
      var popup = document.createElement("div");
      popup.appendChild(link);
      if (point.name_zh) {
        var chinese = document.createElement("span");
        chinese.lang = "zh-Hans";
        chinese.textContent = " " + point.name_zh;
        popup.appendChild(chinese);
      }
      marker.bindPopup(popup);
      return marker;
    });
    var group = L.featureGroup(markers).addTo(map);
    map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 9 });
    setStatus(
      status,
      "Select a marker (Tab, then Enter) to open a link to its park. The parks are also listed below."
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("park-map");
    var status = document.getElementById("park-map-status");
    if (!container) {
      return;
    }
    if (!window.L) {
      setStatus(status, "The map could not be drawn; the parks are listed below.");
      return;
    }
    loadPoints(container, status);
  });
})();
