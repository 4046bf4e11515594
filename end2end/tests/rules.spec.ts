// The rules editor: an admin adds an alias, previews its impact on a recent import,
// publishes it, sees a file that failed on it pass, compares versions and rolls back; a
// member is refused. The change made here (one alias) cannot affect the other tests' files.
import { test, expect } from "@playwright/test";
import { ADMIN, MEMBER, signIn, uniqueTag, uploadFile, expectAccessible } from "./helpers";

test("an admin adds an alias, previews, publishes, and the next import passes", async ({ page }) => {
  // Two uploads, the editor twice, a preview, two publishes: a long walk on two shared cores.
  test.setTimeout(60_000);
  const tag = uniqueTag();
  const label = `Warm Lead ${tag}`;
  const csv = `First Name,Last Name,Email,Status\nAda,Lovelace,ada-${tag}@example.com,${label}\n`;
  await signIn(page, ADMIN);
  // A recent import that fails on the unknown status.
  await uploadFile(page, `warm-${tag}.csv`, Buffer.from(csv));

  await page.goto("/admin/rules");
  await expect(page.getByRole("heading", { name: "Import rules", level: 1 })).toBeVisible();
  await expectAccessible(page);
  const status = page.locator("details.field-card", { has: page.locator("summary", { hasText: "(status)" }) });
  await status.locator("summary").click();
  await expectAccessible(page);
  // Keyboard only: type the alias and press Enter.
  const alias = status.getByLabel("New alias for contacted", { exact: true });
  await alias.fill(label);
  await alias.press("Enter");
  await expect(status.getByRole("list", { name: "Aliases of contacted" })).toContainText(label);
  await expect(page.getByText("1 unpublished change(s):")).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: `“${label}” added` })).toBeVisible();

  await page.getByRole("button", { name: "Preview the impact" }).click();
  const impact = page.getByRole("table", { name: "Impact per import" });
  const row = impact.getByRole("row").filter({ hasText: `warm-${tag}.csv` });
  await expect(row).toBeVisible({ timeout: 20_000 });
  // Columns: file, version, rows, newly failing, newly passing, changed.
  await expect(row.getByRole("cell").nth(4)).toHaveText("1");

  await page.getByLabel("Comment").fill(`alias for ${tag}`);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const published = page.getByRole("status").filter({ hasText: /Published version \d+/ });
  await expect(published).toBeVisible();
  const version = Number((await published.textContent())!.match(/version (\d+)/)![1]);
  const versions = page.getByRole("table", { name: "Configuration versions" });
  await expect(versions.getByRole("row").filter({ hasText: `alias for ${tag}` })).toContainText("active");

  // The same file now passes: the dry run uses the new version without a restart.
  await uploadFile(page, `warm-again-${tag}.csv`, Buffer.from(csv));
  const history = await (await page.request.get("/api/imports?limit=100")).json();
  const again = history.imports.find((i: { file: { name: string } }) => i.file.name === `warm-again-${tag}.csv`);
  expect(again.stats.error_rows).toBe(0);
  expect(again.config_version).toBe(version);

  // Compare and roll back.
  await page.goto("/admin/rules");
  await page.getByLabel("Compare", { exact: true }).selectOption(String(version - 1));
  await page.getByLabel("with", { exact: true }).selectOption(String(version));
  await page.getByRole("button", { name: "Show differences" }).click();
  await expect(page.getByText(`“${label}” added`)).toBeVisible();
  await page.getByRole("button", { name: `Roll back to version ${version - 1}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `Published version ${version + 1}` })).toBeVisible();
  const active = await (await page.request.get("/api/config")).json();
  expect(active.version).toBe(version + 1);
  expect(JSON.stringify(active.config)).not.toContain(label);
});

test("making a field required shows the rows it would fail before anything is published", async ({ page }) => {
  const tag = uniqueTag();
  const csv = `First Name,Last Name,Email,Company\nAda,Lovelace,ada-${tag}@example.com,\nBob,Baker,bob-${tag}@example.com,Acme\n`;
  await signIn(page, ADMIN);
  await uploadFile(page, `no-company-${tag}.csv`, Buffer.from(csv));
  await page.goto("/admin/rules");
  const company = page.locator("details.field-card", { has: page.locator("summary", { hasText: "(company)" }) });
  await company.locator("summary").click();
  await company.getByLabel("When empty").selectOption({ label: "Error" });
  await expect(page.getByText("1 unpublished change(s):")).toBeVisible();
  await page.getByRole("button", { name: "Preview the impact" }).click();
  const row = page.getByRole("table", { name: "Impact per import" }).getByRole("row").filter({ hasText: `no-company-${tag}.csv` });
  await expect(row).toBeVisible({ timeout: 20_000 });
  // Columns: file, version, rows, newly failing, newly passing, changed.
  await expect(row.getByRole("cell").nth(2)).toHaveText("2");
  await expect(row.getByRole("cell").nth(3)).toHaveText("1");
  // Nothing was published: the active rules still let an empty company pass.
  const active = await (await page.request.get("/api/config")).json();
  const field = active.config.fields.find((f: { key: string }) => f.key === "company");
  expect(field.requirement).not.toBe("error");
});

test("a member is refused the rules editor", async ({ page }) => {
  await signIn(page, MEMBER);
  const res = await page.goto("/admin/rules");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Rules" })).toHaveCount(0);
});
