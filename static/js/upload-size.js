// Before a form with files is sent, check that its files fit in one request (data-max-bytes). A request
// too large to read loses every field the person typed; stopped here, the form keeps them, and the message
// (data-too-large) appears by the file field. Without scripts the server says the same after the upload.
(function () {
  "use strict";

  function tooLarge(form) {
    var inputs = form.querySelectorAll("input[type=file][data-max-bytes]");
    var total = 0, limit = Infinity, last = null;
    for (var i = 0; i < inputs.length; i++) {
      limit = Math.min(limit, parseInt(inputs[i].getAttribute("data-max-bytes"), 10) || Infinity);
      for (var j = 0; j < inputs[i].files.length; j++) {
        total += inputs[i].files[j].size;
        last = inputs[i];
      }
    }
    return total > limit ? last : null;
  }

  function say(input) {
    var id = input.id + "-size-error";
    var message = document.getElementById(id);
    if (!message) {
      message = document.createElement("p");
      message.className = "field-error";
      message.id = id;
      message.setAttribute("role", "alert");
      input.parentNode.appendChild(message);
    }
    message.textContent = input.getAttribute("data-too-large");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    input.parentNode.classList.add("has-error");
    input.focus();
  }

  document.addEventListener("submit", function (event) {
    var input = tooLarge(event.target);
    if (input) {
      event.preventDefault();
      say(input);
    }
  });
})();
