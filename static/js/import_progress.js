// Live progress of an import job: polls the job's progress URL until the job stops running.
(function () {
  "use strict";
  const page = document.querySelector("[data-progress-url]");
  if (!page || page.dataset.running !== "1") return;
  const format = new Intl.NumberFormat("id-ID");
  const bar = document.getElementById("job-progress-bar");
  const text = document.getElementById("job-progress-text");
  const status = document.getElementById("job-status");
  function show(data) {
    bar.style.width = data.progress + "%";
    text.textContent = format.format(data.progress) + " %";
    status.textContent = data.status_label;
    for (const name of ["rows", "created", "updated", "unchanged", "rejected", "warnings"]) {
      const cell = document.getElementById("count-" + name);
      if (cell) cell.textContent = format.format(data[name]);
    }
  }
  function poll() {
    fetch(page.dataset.progressUrl, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => {
        show(data);
        if (data.running) {
          setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(() => setTimeout(poll, 3000));
  }
  poll();
})();
