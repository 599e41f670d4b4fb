/* The body form: updates the example case number as the format is typed; the page works without it. */
(function () {
  var input = document.getElementById("case_number_format");
  var example = document.getElementById("format-example");
  if (!input || !example) { return; }
  var output = example.querySelector("[data-example]");
  var url = example.getAttribute("data-url");
  var timer;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(url + "?format=" + encodeURIComponent(input.value), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) { output.textContent = data.example || "– (ugyldig format)"; });
    }, 150);
  });
})();
