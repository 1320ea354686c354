import { PDFDocument, StandardFonts } from "pdf-lib";
import { PAGE, type Run } from "./render";

/** A real PDF with a text layer drawing the runs (Helvetica; "₹" becomes "Rs." — WinAnsi has no rupee sign). */
export async function corpusPdf(runs: Run[][]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const pageRuns of runs) {
    const page = pdf.addPage([PAGE.width, PAGE.height]);
    for (const run of pageRuns) {
      // pdf-lib places text by its baseline from the bottom; runs are placed by their top from the top.
      page.drawText(run.str.replace(/₹/g, "Rs."), {
        x: run.x,
        y: PAGE.height - run.y - run.size,
        size: run.size,
        font,
      });
    }
  }
  return pdf.save();
}
