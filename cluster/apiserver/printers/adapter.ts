/** The handlers' view of Table printing: built-in printers, or a CRD's additionalPrinterColumns. */
import type { TablePrinter } from '../handlers/context.js';
import type { KubeObject } from '../storage/object.js';
import { printCustomResourceTable, printTable } from './index.js';

export const tablePrinter: TablePrinter = {
  print(served, objects, opts) {
    const table = served.custom
      ? printCustomResourceTable(served.custom.printerColumns as never, objects, opts)
      : printTable(served.info, objects, opts);
    return table as unknown as KubeObject;
  },
};
