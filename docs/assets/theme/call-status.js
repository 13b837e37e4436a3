/* Where the call stands (issue 17): the banner's static state was decided with the build date
 * (build_scripts/guide/call_status.py); here the visitor's own date decides, by the same rule as the checker
 * (checker/engine.py phase_status: a deadline is open up to and including its day, the site's reading: the notice
 * says 「于……前」 and does not say whether the day itself counts; ISO dates compare as text). */
(() => {
  const box = document.querySelector("[data-call-status]");
  if (!box) return;
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const state = {};
  for (const item of box.querySelectorAll("[data-deadline]")) {
    state[item.dataset.scope] = today <= item.dataset.deadline ? "open" : "closed";
  }
  state.call = state[box.dataset.applicant];
  for (const el of box.querySelectorAll("[data-when]")) el.hidden = el.dataset.when !== state[el.dataset.scope];
  for (const el of box.querySelectorAll("[data-static]")) el.hidden = true;
  // The page titles say it too (the home and tool pages: "…（已截止）"): the heading's state and the window title.
  for (const el of document.querySelectorAll("[data-call-when]")) el.hidden = el.dataset.callWhen !== state.call;
  const titles = document.querySelector('meta[name="bdpilot-titles"]');
  if (titles && titles.dataset[state.call]) document.title = titles.dataset[state.call];
  box.dataset.state = state.call;
})();
