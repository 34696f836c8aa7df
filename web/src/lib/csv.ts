/** CSV as RFC 4180 writes it: fields with commas, quotes or line breaks quoted, quotes doubled, CRLF line ends. */

export type CsvCell = string | number | null | undefined;

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A leading =, +, - or @ makes spreadsheet programs run the cell as a formula: keep it text.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
