// "Kopier" next to a calendar address (progressive enhancement: the field can be copied by hand).
document.querySelectorAll("[data-copy-for]").forEach((button) => {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copyFor);
    await navigator.clipboard.writeText(field.value);
    button.textContent = "Kopiert";
  });
});
