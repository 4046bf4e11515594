// The wizard after the upload and the editable grid: every step with an accessibility
// check, mapping changes reaching the grid, instant browser checks of edits, bulk actions
// with undo, filters, reload in the middle of a review, and keyboard-only editing.
import * as fs from "node:fs";
import * as path from "node:path";
import { test, expect, type Page } from "@playwright/test";
import { ADMIN, expectAccessible, openGrid, signIn, uniqueTag, uploadFile } from "./helpers";

const CORPUS = path.resolve(__dirname, "../../../shared/corpus");

/** Rows with an invalid email (row 3) and two empty countries (rows 3 and 4). */
function csv(tag: string): Buffer {
  const lines = [
    "First Name,Last Name,Email,Company,Country",
    `Ada,Lovelace,ada.${tag}@example.com,Analytical Engines,GB`,
    `Bob,Broken,not-an-email,Nowhere Ltd,`,
    `Cleo,Clean,cleo.${tag}@example.org,Acme GmbH,`,
  ];
  return Buffer.from(lines.join("\n") + "\n", "utf-8");
}

async function start(page: Page, tag: string): Promise<string> {
  await signIn(page, ADMIN);
  return uploadFile(page, `grid-${tag}.csv`, csv(tag));
}

test("a corpus file goes from upload through every step to the review grid", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, ADMIN);
  const buffer = fs.readFileSync(path.join(CORPUS, "datablist-original/leads-100.csv"));
  const url = await uploadFile(page, `leads-100-${uniqueTag()}.csv`, buffer, "datablist");

  // Mapping: every column with a select; the suggestion for "Email 1" is the email field.
  await expect(page.getByLabel("Field for column Email 1")).toHaveValue("email");
  await expect(page.getByRole("table", { name: "Column mapping" }).getByRole("row")).toHaveCount(15);
  await expectAccessible(page);

  await page.getByRole("link", { name: "Next: Preview" }).click();
  await expect(page.getByRole("heading", { name: "Preview", exact: true })).toBeVisible();
  await expect(page.getByText("100 rows in total")).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("link", { name: "Next: Review" }).click();
  const grid = page.getByRole("grid", { name: "Staged rows" });
  await expect(grid).toHaveAttribute("aria-rowcount", "101");
  await expect(grid.getByRole("rowheader", { name: "2", exact: true })).toBeVisible(); // the file's row numbers
  // Virtualized: far fewer rows in the DOM than in the import (counted once the first
  // page is drawn; the row count is known before the rows arrive).
  const drawn = await grid.getByRole("row").count();
  expect(drawn).toBeGreaterThan(5);
  expect(drawn).toBeLessThan(60);
  await expectAccessible(page);

  // Scrolling to the end fetches the last page.
  await grid.getByRole("row").nth(1).getByRole("gridcell").nth(1).click();
  await page.keyboard.press("Control+End");
  await expect(grid.getByRole("rowheader", { name: "101", exact: true })).toBeVisible();

  await page.getByRole("link", { name: "Next: Summary" }).click();
  await expect(page.getByRole("heading", { name: "Summary", exact: true })).toBeVisible();
  await page.getByLabel(/^All rows/).check();
  await expect(page).toHaveURL(/mode=all/);
  await page.getByLabel(/^Update or create/).check();
  await expect(page).toHaveURL(/policy=upsert/);
  await expectAccessible(page);

  // Back to the first step: the file's first rows and the header-row picker.
  await page.goto(`${url}?step=upload`);
  await expect(page.getByRole("table", { name: "First rows of the file" })).toBeVisible();
  await expect(page.getByLabel("Row 1 is the header")).toBeChecked();
  await expectAccessible(page);
});

test("changing the mapping changes the grid, and a conflict is shown before it bites", async ({ page }) => {
  const tag = uniqueTag();
  const url = await start(page, tag);
  await page.getByLabel("Field for column Last Name").selectOption("first_name");
  await expect(page.getByRole("alert")).toContainText("Two columns go to one field");
  await expect(page.getByRole("button", { name: "Apply mapping and continue" })).toBeDisabled();
  await page.getByLabel("Field for column Last Name").selectOption("last_name");
  await page.getByLabel("Field for column Company").selectOption("");
  await page.getByRole("button", { name: "Apply mapping and continue" }).click();
  await expect(page).toHaveURL(/step=preview/);
  const grid = await openGrid(page, `${url}?step=review`);
  await expect(grid.getByRole("columnheader", { name: /Email/ })).toBeVisible();
  await expect(grid.getByRole("columnheader", { name: /Company/ })).toHaveCount(0);
  await page.goto(`${url}?step=mapping`);
  await expect(page.getByLabel("Field for column Company")).toHaveValue("");
});

test("an invalid email fixed inline turns valid before the server answers, then the counts follow", async ({ page }) => {
  const tag = uniqueTag();
  const url = await start(page, tag);
  const grid = await openGrid(page, `${url}?step=review`);
  const errors = page.getByRole("group", { name: "Errors", exact: true });
  await expect(errors).toContainText("1");

  // Hold the save until the browser's own verdict has been checked.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/fn/imports/edit", async (route) => {
    await held;
    await route.continue();
  });

  const bad = grid.getByRole("gridcell", { name: /not-an-email/ });
  await expect(bad).toHaveAttribute("aria-invalid", "true");
  // Another bad value first: the browser's check must call it invalid, not just clear it.
  await bad.dblclick();
  let editor = page.getByRole("textbox", { name: /row 3/ });
  await editor.fill("still-not-an-email");
  await editor.press("Enter");
  const stillBad = grid.getByRole("gridcell", { name: /still-not-an-email/ });
  await expect(stillBad).toHaveAttribute("aria-invalid", "true");
  await stillBad.dblclick();
  editor = page.getByRole("textbox", { name: /row 3/ });
  await editor.fill(`bob.${tag}@example.net`);
  await editor.press("Enter");
  const fixed = grid.getByRole("gridcell", { name: new RegExp(`bob\\.${tag}@example\\.net`) });
  await expect(fixed).not.toHaveAttribute("aria-invalid", "true");
  await expect(errors).toContainText("1"); // the server has not answered yet
  await expect(page.getByText(/change\(s\) waiting|Saving \d+ change/)).toBeVisible();

  release();
  await expect(errors).toContainText("0");
  await expect(page.getByText("All changes saved.")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Undo edit of email/ })).toBeEnabled();
});

test("a bulk default for empty cells is applied and undone", async ({ page }) => {
  const tag = uniqueTag();
  const url = await start(page, tag);
  const grid = await openGrid(page, `${url}?step=review`);
  await page.getByText("Bulk actions").click();
  await page.getByLabel("Action").selectOption("set_default");
  await page.getByLabel("Column to change").selectOption("country");
  await page.getByLabel("Default value").fill("DE");
  await page.getByRole("button", { name: "Apply to rows" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Done: 2 rows changed." })).toBeVisible();
  await expect(grid.getByRole("gridcell", { name: /^DE/ })).toHaveCount(2);

  await page.getByRole("button", { name: /^Undo default for country/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "Undone: default for country." })).toBeVisible();
  await expect(grid.getByRole("gridcell", { name: /^DE/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Redo default for country/ })).toBeEnabled();
});

test("only errors shows the rows with errors, and a reload in the middle of a review continues", async ({ page }) => {
  const tag = uniqueTag();
  const url = await start(page, tag);
  let grid = await openGrid(page, `${url}?step=review`);
  await expect(grid).toHaveAttribute("aria-rowcount", "4");
  await page.getByRole("link", { name: "Only errors" }).click();
  await expect(page).toHaveURL(/status=error/);
  await expect(grid).toHaveAttribute("aria-rowcount", "2");
  await expect(grid.getByRole("rowheader", { name: "3", exact: true })).toBeVisible();

  // Edit, wait for the save, reload: the edit and the filter are still there.
  const cell = grid.getByRole("gridcell", { name: /Nowhere Ltd/ });
  await cell.dblclick();
  await page.getByRole("textbox", { name: /row 3/ }).fill(`Somewhere ${tag}`);
  await page.keyboard.press("Enter");
  await expect(page.getByText("All changes saved.")).toBeVisible();
  await page.reload();
  grid = page.getByRole("grid", { name: "Staged rows" });
  await expect(page).toHaveURL(/status=error/);
  await expect(grid.getByRole("gridcell", { name: new RegExp(`Somewhere ${tag}`) })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Undo edit of company/ })).toBeEnabled();
});

test("the grid is used with the keyboard alone", async ({ page }) => {
  const tag = uniqueTag();
  const url = await start(page, tag);
  const grid = await openGrid(page, `${url}?step=review`);
  const rows = grid.getByRole("row");
  const cellAt = (row: number, col: number) => rows.nth(row).getByRole("gridcell").nth(col + 1); // +1: status column

  // Tab from the search box's button reaches the grid's active cell.
  await page.getByRole("button", { name: "Filter" }).focus();
  await page.keyboard.press("Tab"); // Undo (disabled buttons are skipped) / Bulk actions summary…
  let guard = 0;
  while (!(await cellAt(1, 0).evaluate((el) => el === document.activeElement)) && guard++ < 12) {
    await page.keyboard.press("Tab");
  }
  await expect(cellAt(1, 0)).toBeFocused();

  await page.keyboard.press("ArrowDown");
  await expect(cellAt(2, 0)).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(cellAt(2, 1)).toBeFocused();

  // F2 edits; Escape cancels and keeps the value.
  await page.keyboard.press("F2");
  const editor = page.getByRole("textbox", { name: /row 3/ });
  await expect(editor).toBeFocused();
  await page.keyboard.type("XYZ");
  await page.keyboard.press("Escape");
  await expect(cellAt(2, 1)).toBeFocused();
  await expect(cellAt(2, 1)).toHaveText("Broken");

  // Enter edits, Enter saves and moves down; Tab moves right.
  await page.keyboard.press("Enter");
  await page.keyboard.press("Control+A");
  await page.keyboard.type(`Brokenshire`);
  await page.keyboard.press("Enter");
  await expect(cellAt(2, 1)).toHaveText(/Brokenshire/);
  await expect(cellAt(3, 1)).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(cellAt(3, 2)).toBeFocused();
  await expect(page.getByText("All changes saved.")).toBeVisible();
});

test("a save that fails is shown, kept and retried until it lands", async ({ page }) => {
  const tag = uniqueTag();
  const url = await start(page, tag);
  const grid = await openGrid(page, `${url}?step=review`);
  // The server is unreachable for edits for a while.
  await page.route("**/api/fn/imports/edit", (route) => route.abort("connectionrefused"));
  await grid.getByRole("gridcell", { name: /not-an-email/ }).dblclick();
  await page.getByRole("textbox", { name: /row 3/ }).fill(`kept.${tag}@example.net`);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("alert").filter({ hasText: "not saved yet" })).toBeVisible();
  const kept = grid.getByRole("gridcell", { name: new RegExp(`kept\\.${tag}`) });
  await expect(kept).toBeVisible();
  await expect(page.getByRole("group", { name: "Errors", exact: true })).toContainText("1");

  // The server is back: the queued edit is retried and saved.
  await page.unroute("**/api/fn/imports/edit");
  await page.getByRole("button", { name: "Retry now" }).click();
  await expect(page.getByText("All changes saved.")).toBeVisible();
  await expect(page.getByRole("group", { name: "Errors", exact: true })).toContainText("0");
  await page.reload();
  await expect(page.getByRole("grid", { name: "Staged rows" }).getByRole("gridcell", { name: new RegExp(`kept\\.${tag}`) })).toBeVisible();
});

test("a mapping saved as a preset is used and named for the next file from the source", async ({ page }) => {
  const tag = uniqueTag();
  await signIn(page, ADMIN);
  const source = `preset-source-${tag}`;
  await uploadFile(page, `first-${tag}.csv`, csv(tag), source);
  await page.getByLabel("Field for column Company").selectOption("notes");
  await page.getByLabel("Preset name").fill(`Partner ${tag}`);
  await page.getByLabel("Who can use it").selectOption("user");
  await page.getByRole("button", { name: "Save preset" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Saved as “Partner ${tag}”.` })).toBeVisible();

  await uploadFile(page, `second-${tag}.csv`, csv(`${tag}b`), source);
  await expect(page.getByText(`Matched the saved mapping Partner ${tag}.`)).toBeVisible();
  await expect(page.getByLabel("Field for column Company")).toHaveValue("notes");
});
