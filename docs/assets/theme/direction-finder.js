/* The direction finder on the directions index (build_scripts/templates/pages/directions/index.md.j2). The list
 * of directions works without JavaScript; here its two questions appear and narrow it: a direction stays when the
 * chosen kind of project leads to it (its data-directions, from directions.yaml finder: the site's reading) and it
 * either names the chosen role or names no role at all ("-": none of the roles). */
(() => {
  const form = document.querySelector("[data-finder]");
  if (!form) return;
  const items = [...document.querySelectorAll(".finder-item[data-area]")];
  const count = document.querySelector("[data-finder-count]");
  const update = () => {
    const kind = [...form.elements["finder-kind"]].find((input) => input.checked);
    const leadsTo = kind && kind.value ? kind.dataset.directions.split(" ") : null;
    const role = form.elements["finder-role"].value;
    let shown = 0;
    for (const item of items) {
      const roles = item.dataset.roles.split(" ").filter(Boolean);
      const keep = (!leadsTo || leadsTo.includes(item.dataset.direction)) &&
        (!role || roles.length === 0 || (role !== "-" && roles.includes(role)));
      item.hidden = !keep;
      if (keep) shown += 1;
    }
    count.textContent = shown ? count.dataset.template.replace("{shown}", shown).replace("{total}", items.length)
      : count.dataset.none;
  };
  form.hidden = false;
  count.hidden = false;
  form.addEventListener("change", update);
  update();
})();
