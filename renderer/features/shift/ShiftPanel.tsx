/**
 * The shift: open it with the float, move cash in/out, read the X report (figures so far),
 * close it with the counted drawer and print the Z report. This module picks the view; each
 * view is its own component (OpenShiftDialog, CashMoveForm, CloseShiftForm, Reports).
 */
import { useCallback, useEffect, useState } from 'react';
import type { ZReport } from '../../../contract/mutations';
import { useCall } from '../../shell/call';
import { useApi, useStore } from '../../shell/context';
import { Modal } from '../../shell/ui';
import type { ShiftSummary, XReport } from '../../../contract/till-api/shift';
import { CashMoveForm } from './CashMoveForm';
import { CloseShiftForm } from './CloseShiftForm';
import { OpenShiftDialog } from './OpenShiftDialog';
import { ReportTable, ZReportView } from './Reports';

type View = 'summary' | 'cash' | 'close';

export function ShiftPanel(props: {
  shift: ShiftSummary | null;
  onChanged: () => void;
  onClose: () => void;
}) {
  const api = useApi();
  const call = useCall();
  const store = useStore();
  const [view, setView] = useState<View>('summary');
  const [figures, setFigures] = useState<XReport | null>(null);
  const [kind, setKind] = useState<'in' | 'out'>('in');
  const [zReport, setZReport] = useState<ZReport | null>(null);

  const refresh = useCallback(() => {
    void call(api.xReport()).then((r) => r.ok && setFigures(r.data));
  }, [api, call]);
  useEffect(() => {
    if (props.shift) refresh();
  }, [refresh, props.shift]);

  const cash = (direction: 'in' | 'out'): void => {
    setKind(direction);
    setView('cash');
  };

  if (zReport) {
    return (
      <ZReportView
        report={zReport}
        currency={store.currency}
        storeName={store.storeName}
        onClose={props.onClose}
      />
    );
  }

  if (!props.shift) return <OpenShiftDialog onChanged={props.onChanged} onClose={props.onClose} />;

  return (
    <Modal
      title="Shift"
      onClose={props.onClose}
      wide
      testId="shift-panel"
      // Letter keys, not function keys: a function key means what it means on the checkout
      // screen or nothing (issue 13, item 8); F10 (shift) is already here.
      actions={[
        { key: 'Alt+X', label: 'X report', run: () => setView('summary') },
        { key: 'Alt+I', label: 'Cash in', run: () => cash('in') },
        { key: 'Alt+O', label: 'Cash out', run: () => cash('out') },
        { key: 'Alt+Z', label: 'Close shift', run: () => setView('close') },
      ]}
    >
      <p>
        Open since {new Date(props.shift.openedAt).toLocaleString('en-US')} · Alt+X X report · Alt+I
        / Alt+O cash in / out · Alt+Z close
      </p>
      {view === 'summary' ? (
        figures ? (
          <div className="print-area">
            <h3>X report (so far)</h3>
            <ReportTable figures={figures} currency={store.currency} />
            {figures.blind ? (
              <p className="muted">
                Blind close: the drawer is counted before its expected amount is shown.
              </p>
            ) : null}
          </div>
        ) : (
          <p>Loading…</p>
        )
      ) : null}
      {view === 'cash' ? (
        <CashMoveForm
          kind={kind}
          onKind={setKind}
          onRecorded={() => {
            setView('summary');
            refresh();
          }}
        />
      ) : null}
      {view === 'close' ? (
        <CloseShiftForm
          figures={figures}
          onClosed={(report) => {
            setZReport(report);
            props.onChanged();
          }}
        />
      ) : null}
    </Modal>
  );
}
