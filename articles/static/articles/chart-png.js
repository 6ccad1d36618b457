// "Chart (PNG)": the chart's SVG download drawn onto a canvas in the browser, three times its size,
// and saved as a PNG. The button stays hidden where this script does not run.
(function () {
  "use strict";
  document.querySelectorAll("button[data-chart-png]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      fetch(button.dataset.chartPng).then(function (response) { return response.text(); }).then(function (text) {
        var svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
        var box = svg.viewBox.baseVal;
        var scale = 3;
        var image = new Image();
        image.onload = function () {
          var canvas = document.createElement("canvas");
          canvas.width = box.width * scale;
          canvas.height = box.height * scale;
          var context = canvas.getContext("2d");
          context.fillStyle = "#ffffff";
          context.fillRect(0, 0, canvas.width, canvas.height);
          context.drawImage(image, 0, 0, canvas.width, canvas.height);
          canvas.toBlob(function (blob) {
            var link = document.createElement("a");
            link.href = URL.createObjectURL(blob);
            link.download = button.dataset.filename;
            document.body.appendChild(link);
            link.click();
            link.remove();
          }, "image/png");
        };
        // A data: address, which the site's Content-Security-Policy allows for images (blob: it does not).
        image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
      });
    });
  });
})();
