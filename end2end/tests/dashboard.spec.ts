// The admin dashboard: the PRD's metrics as server-rendered SVG, a source filter that is a
// plain GET form, accessible with and without JavaScript.
import { test, expect } from "@playwright/test";
import { ADMIN, expectAccessible, signIn, uniqueTag, uploadFile } from "./helpers";

test("an admin sees an upload in the dashboard's funnel and filters by its source", async ({ page }) => {
  await signIn(page, ADMIN);
  const source = `fair-${uniqueTag()}`;
  await uploadFile(page, `dash-${source}.csv`, Buffer.from("first_name,last_name,email\nAda,Lovelace,ada@example\n"), source);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", exact: true })).toBeVisible();
  await expect(page.getByRole("img", { name: /^Funnel: Uploaded \d+/ })).toBeVisible();
  await expect(page.getByRole("img", { name: /Success rate per day/ })).toBeVisible();
  await expectAccessible(page);

  const filter = page.getByRole("form", { name: "Range and source" });
  await filter.getByLabel("Source", { exact: true }).selectOption(source);
  await filter.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(new RegExp(`source=${source}`));
  // Only that upload: read, mapped and validated, not applied.
  await expect(page.getByRole("img", { name: /^Funnel: Uploaded 1, Read 1, Mapped 1, Validated 1, Reviewed \d, Applied 0$/ })).toBeVisible();
  await expect(page.getByRole("cell", { name: "cell.email_invalid" })).toBeVisible();
  await expectAccessible(page);

  // The count leads to the imports behind it: that one upload, with the filter said.
  await page.getByRole("region", { name: "Headline" }).getByRole("link", { name: "1", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/imports\\?from=.*&source=${source}`));
  await expect(page.getByRole("status").filter({ hasText: `source “${source}”` })).toBeVisible();
  await expect(page.getByRole("rowheader")).toHaveText([`dash-${source}.csv`]);
  await expectAccessible(page);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the dashboard reads and filters", async ({ page }) => {
    await page.goto("/admin/dashboard");
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Dashboard", exact: true })).toBeVisible();
    const filter = page.getByRole("form", { name: "Range and source" });
    await filter.getByLabel("From", { exact: true }).fill("2020-01-01");
    await filter.getByLabel("To", { exact: true }).fill("2020-01-31");
    await filter.getByRole("button", { name: "Show" }).click();
    await expect(page.getByRole("heading", { name: "No uploads in this range" })).toBeVisible();
  });
});

// axe needs script in the page, so here the browser runs it but the app's own bundle is
// refused: what is checked is the server-rendered HTML, as a browser without JavaScript gets it.
test("the server-rendered dashboard, without the app's bundle, passes axe", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.route(/\/pkg\/.*\.(js|wasm)(\?.*)?$/, (route) => route.abort());
  await page.goto("/admin/dashboard");
  await expect(page.getByRole("heading", { name: "Dashboard", exact: true })).toBeVisible();
  await expect(page.getByRole("img", { name: /^Funnel: Uploaded \d+/ })).toBeVisible();
  await expectAccessible(page);
});
