// Adds a "Copy" button after each element marked `data-copy` (PGP fingerprints on a team's
// page) that puts the attribute's value on the clipboard. Without this script the value stays
// plain text to select and copy by hand.
(function () {
  if (!navigator.clipboard) return;
  for (const element of document.querySelectorAll("[data-copy]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy secondary";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy " + element.textContent.trim());
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(element.dataset.copy).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      }, function () {
        button.textContent = "Copy failed: select the text";
      });
    });
    element.appendChild(document.createTextNode(" "));
    element.appendChild(button);
  }
})();
