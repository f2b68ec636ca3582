// Starts Swagger UI on the kit's /docs page. A file of the kit rather than an inline script (which FastAPI's
// get_swagger_ui_html writes), so a Content-Security-Policy of `script-src 'self'` is enough. The page gives the
// OpenAPI address and Swagger UI's parameters in data attributes of #swagger-ui.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var parameters = JSON.parse(root.getAttribute("data-parameters") || "{}");
  parameters.url = root.getAttribute("data-openapi-url");
  parameters.validatorUrl = null; // never ask validator.swagger.io (outside the closed network)
  parameters.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  window.ui = SwaggerUIBundle(parameters);
})();
