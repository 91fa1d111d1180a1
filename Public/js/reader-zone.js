// Offers the reader's own time zone, as the browser knows it, in the programme's "Also show
// times in" field when it is empty. Without this script the field stays empty to fill by hand.
(function () {
  const field = document.getElementById("tz");
  if (!field || field.value || !window.Intl) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) field.value = zone;
})();
