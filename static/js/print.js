// The city page's print layout (?print=1): opens the browser's print dialog once the page (charts, map) has
// loaded, and again from the "Cetak" button. Without JavaScript the layout is still there to print by hand.
(function () {
  "use strict";
  const again = document.getElementById("print-again");
  if (again) again.addEventListener("click", function () { window.print(); });
  window.addEventListener("load", function () { window.print(); });
})();
