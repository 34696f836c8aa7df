/**
 * A new key's secret, shown once: the gateway keeps only its hash, so after this panel is closed it cannot be
 * shown again. The copy button uses the Clipboard API and says whether copying worked.
 */
import { useState } from 'preact/hooks';

export function SecretOnce({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <section class="secret" aria-labelledby="secret-title">
      <h3 id="secret-title">Key “{name}” created</h3>
      <p>Copy it now: this is the only time it is shown. Gatehouse keeps only a hash of it.</p>
      <div class="secret-row">
        <label for="new-secret" class="visually-hidden">
          New key
        </label>
        <input id="new-secret" class="mono" readOnly value={secret} onFocus={(event) => event.currentTarget.select()} />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p role="status" aria-live="polite" class="hint">
        {copied === 'copied' ? 'Copied to the clipboard.' : copied === 'failed' ? 'The browser did not allow copying: select the key and copy it by hand.' : ''}
      </p>
      <button type="button" onClick={onDone}>
        Done, I have saved it
      </button>
    </section>
  );
}
