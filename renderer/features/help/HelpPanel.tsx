import { CHECKOUT_KEYS, OTHER_KEYS } from '../../shell/shortcuts';
import { Modal } from '../../shell/ui';

export function HelpPanel({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} wide testId="help-panel">
      <table className="table">
        <tbody>
          {Object.values(CHECKOUT_KEYS).map((k) => (
            <tr key={k.key}>
              <th scope="row">
                <kbd>{k.key === 'Escape' ? 'Esc' : k.key}</kbd>
              </th>
              <td>{k.label}</td>
            </tr>
          ))}
          {OTHER_KEYS.map((k) => (
            <tr key={k.key}>
              <th scope="row">
                <kbd>{k.key}</kbd>
              </th>
              <td>{k.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
