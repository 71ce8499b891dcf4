// The meal counter's "Scan" button: where the browser has BarcodeDetector and a camera, read the QR code and
// send what it holds as the code. Elsewhere the button stays hidden and the code is typed.
(function () {
  "use strict";

  function start() {
    var form = document.querySelector("[data-scan-form]");
    if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
    var button = form.querySelector("[data-scan-button]");
    var video = form.querySelector("[data-scan-video]");
    var message = form.querySelector("[data-scan-message]");
    var input = form.querySelector("input[name=code]");
    var detector;
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { return; }
    var stream = null;

    function stop() {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      stream = null;
      video.hidden = true;
      message.hidden = true;
    }

    function look() {
      if (!stream) { return; }
      detector.detect(video).then(function (codes) {
        if (codes.length && codes[0].rawValue) {
          input.value = codes[0].rawValue;
          stop();
          form.submit();
          return;
        }
        window.requestAnimationFrame(look);
      }).catch(function () { window.setTimeout(look, 300); });
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      if (stream) { stop(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          message.hidden = false;
          return video.play();
        })
        .then(look)
        .catch(function () { stop(); input.focus(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
