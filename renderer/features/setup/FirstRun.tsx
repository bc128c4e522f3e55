/**
 * First run: connect this till to HQ with its address and a one-time enrollment code (HQ staff
 * create the code for this store and register). A demo store without HQ is offered too.
 */
import { useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { useCall } from '../../shell/call';
import { useNotice, useSession } from '../../shell/context';
import { useSyncView } from '../../shell/events';
import { useKeyLayer } from '../../shell/keys';
import { TextField } from '../../shell/ui';

const HqUrl = z.url({
  protocol: /^https?$/,
  error: 'The HQ address must be a web address such as https://hq.example.com',
});

/** Pre-filled values: from the launcher (desktop) or the page address (?hq=...&code=...). */
function pageDefaults(): { hqUrl: string | null; code: string | null; auto: boolean } {
  const params = new URLSearchParams(window.location.search);
  return {
    hqUrl: params.get('hq'),
    code: params.get('code'),
    auto: params.get('enroll') === 'auto',
  };
}

export function FirstRun() {
  const { api, info, refresh } = useSession();
  const call = useCall();
  const { notify } = useNotice();
  const page = pageDefaults();
  const [hqUrl, setHqUrl] = useState(info.setupDefaults.hqUrl ?? page.hqUrl ?? '');
  const [code, setCode] = useState(info.setupDefaults.enrollmentCode ?? page.code ?? '');
  const [urlError, setUrlError] = useState<string | null>(null);
  const [busy, setBusy] = useState<null | 'enroll' | 'demo'>(null);
  // The host pushes the download's progress while enrollment brings the catalog down.
  const download = useSyncView()?.progress ?? null;
  const progress =
    busy === 'enroll' && download
      ? `${download.stage}: ${download.done.toLocaleString('en-US')} of ${download.total.toLocaleString('en-US')}`
      : null;
  const autoStarted = useRef(false);

  const enroll = async (): Promise<void> => {
    const checked = HqUrl.safeParse(hqUrl.trim());
    if (!checked.success) {
      setUrlError(checked.error.issues[0]?.message ?? 'Not a web address');
      notify(
        'error',
        `"${hqUrl.slice(0, 60)}" is not an HQ address. Type it like https://hq.example.com`,
      );
      return;
    }
    if (code.trim().length < 4) {
      notify('error', 'Type the enrollment code HQ gave you for this register');
      return;
    }
    setUrlError(null);
    setBusy('enroll');
    const result = await call(api.enroll({ hqUrl: checked.data, code: code.trim() }));
    setBusy(null);
    if (result.ok) {
      notify(
        'success',
        `This till is now ${result.data.storeName}, register ${result.data.registerId}`,
      );
      await refresh();
    }
  };

  const demo = async (): Promise<void> => {
    setBusy('demo');
    const result = await call(api.setupDemo());
    setBusy(null);
    if (result.ok) {
      notify(
        'success',
        `Demo store ${result.data.storeName} is ready. Demo PINs: manager 246810, cashiers 1111 and 2222.`,
      );
      await refresh();
    }
  };

  useEffect(() => {
    const auto = info.setupDefaults.autoEnroll || page.auto;
    if (auto && !autoStarted.current && hqUrl && code) {
      autoStarted.current = true;
      void enroll();
    }
  });

  useKeyLayer({
    actions: [
      { key: 'F9', label: 'Demo store (no HQ)', run: () => void demo(), disabled: busy !== null },
    ],
    onScan: (scanned) => {
      // A printed enrollment slip may carry the code as a barcode.
      setCode(scanned.slice(0, 64));
    },
  });

  return (
    <section className="screen first-run" aria-labelledby="first-run-title">
      <h1 id="first-run-title">Set up this till</h1>
      <p className="lead">
        Connect this register to your HQ. HQ staff create an enrollment code for this store and
        register.
      </p>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void enroll();
        }}
      >
        <TextField
          label="HQ address"
          name="hqUrl"
          maxLength={200}
          autoFocusField
          autoFocus
          value={hqUrl}
          placeholder="https://hq.example.com"
          inputMode="url"
          autoComplete="off"
          aria-invalid={urlError ? true : undefined}
          hint={urlError ?? undefined}
          onChange={(e) => setHqUrl(e.target.value)}
        />
        <TextField
          label="Enrollment code"
          name="code"
          maxLength={64}
          value={code}
          autoComplete="off"
          onChange={(e) => setCode(e.target.value)}
        />
        <button type="submit" className="primary" disabled={busy !== null}>
          {busy === 'enroll' ? 'Connecting…' : 'Connect to HQ (Enter)'}
        </button>
      </form>
      {progress ? (
        <p className="progress" role="status">
          Downloading the store: {progress}
        </p>
      ) : null}
      <hr />
      <p>
        No HQ yet?{' '}
        <button type="button" onClick={() => void demo()} disabled={busy !== null}>
          {busy === 'demo' ? 'Creating the demo store…' : 'Try the demo store (F9)'}
        </button>
      </p>
      <p className="muted">
        The demo store runs on this device only: sample products, demo PINs, sales stay queued here.
      </p>
    </section>
  );
}
