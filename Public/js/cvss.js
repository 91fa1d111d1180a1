// Keeps the vector string and the metric buttons in step, and asks the API for the score,
// so the calculator answers as you click; the page works without this script too.
(function () {
  const form = document.getElementById("cvss-form");
  if (!form) return;
  const input = document.getElementById("cvss-vector");
  const prefix = form.dataset.prefix;
  const notDefined = form.dataset.notDefined;
  const metrics = Array.from(form.querySelectorAll(".metric"));

  function vectorFromButtons() {
    const parts = [];
    for (const metric of metrics) {
      const checked = metric.querySelector("input:checked");
      if (!checked) continue;
      const mandatory = !Array.from(metric.querySelectorAll("input")).some((i) => i.value === notDefined);
      if (!mandatory && checked.value === notDefined) continue;
      parts.push(metric.dataset.metric + ":" + checked.value);
    }
    return prefix + parts.join("/");
  }

  function buttonsFromVector(vector) {
    const values = {};
    for (const part of vector.replace(/^CVSS:[0-9.]+\//, "").split("/")) {
      const [name, value] = part.split(":");
      if (name && value) values[name] = value;
    }
    for (const metric of metrics) {
      const value = values[metric.dataset.metric];
      const fallback = metric.querySelector("input");
      const target = (value && metric.querySelector(`input[value="${CSS.escape(value)}"]`)) || fallback;
      if (target) target.checked = true;
    }
  }

  // Answers can arrive out of order while someone types: only the latest request is shown.
  let latest = 0;
  async function refresh() {
    const mine = ++latest;
    const result = document.getElementById("cvss-result");
    const response = await fetch(form.dataset.api + "?vector=" + encodeURIComponent(input.value));
    const body = await response.json();
    if (mine !== latest) return;
    result.textContent = "";
    const line = document.createElement("p");
    line.className = response.ok ? "scores" : "form-error";
    if (!response.ok) {
      line.textContent = body.detail;
    } else {
      const scores = [["CVSS " + body.version, body.score, body.severity], ["Base", body.baseScore, body.baseSeverity],
        ["Temporal", body.temporalScore, body.temporalSeverity], ["Environmental", body.environmentalScore, body.environmentalSeverity]];
      for (const [label, score, severity] of scores) {
        if (score === undefined || score === null) continue;
        const item = document.createElement("span");
        item.className = "score sev-" + severity;
        item.textContent = `${label} ${score.toFixed(1)} ${severity} `;
        line.appendChild(item);
      }
      if (body.nomenclature) line.appendChild(document.createTextNode(body.nomenclature));
    }
    result.appendChild(line);
  }

  form.addEventListener("change", (event) => {
    if (event.target.type !== "radio") return;
    input.value = vectorFromButtons();
    history.replaceState(null, "", "?vector=" + encodeURIComponent(input.value));
    refresh();
  });
  let typing;
  input.addEventListener("input", () => {
    buttonsFromVector(input.value);
    clearTimeout(typing);
    typing = setTimeout(refresh, 200);
  });
})();
