// Start Swagger UI on /api/docs; the spec URL comes from a data attribute (no inline script).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") {
    return;
  }
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    // The default validator badge loads an image from validator.swagger.io.
    validatorUrl: null,
  });
})();
