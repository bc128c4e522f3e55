/** Printing the receipt view: to a printer (system dialog or silent) or to a PDF file. */
import type { WebContents } from 'electron';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** An 80 mm receipt roll, in inches (printToPDF's unit). */
const RECEIPT_PAGE = { width: 3.15, height: 11.69 };

export function printContents(
  contents: Pick<WebContents, 'print'>,
  options: { silent: boolean; deviceName?: string | undefined },
): Promise<void> {
  // A silent print to a named printer (the till's system printer) never shows a dialog.
  const target = options.deviceName ? { deviceName: options.deviceName } : {};
  return new Promise((resolve, reject) => {
    contents.print(
      { silent: options.silent, printBackground: false, ...target },
      (success, failureReason) => {
        if (success) resolve();
        else
          reject(
            new Error(
              failureReason === 'cancelled'
                ? 'Printing was cancelled'
                : `Printer not answering — sale saved; reprint from the receipt (${failureReason})`,
            ),
          );
      },
    );
  });
}

export async function savePdf(
  contents: Pick<WebContents, 'printToPDF'>,
  options: { dir: string; fileName: string },
): Promise<string> {
  const pdf = await contents.printToPDF({
    pageSize: RECEIPT_PAGE,
    printBackground: false,
    margins: { top: 0, bottom: 0, left: 0, right: 0 },
  });
  await mkdir(options.dir, { recursive: true });
  const path = join(options.dir, `${options.fileName}.pdf`);
  await writeFile(path, pdf);
  return path;
}
