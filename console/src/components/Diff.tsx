import { diffLines } from 'diff';

/** Line diff of two texts: removed lines red with "-", added green with "+". */
export function Diff({ before, after, label }: { before: string; after: string; label: string }) {
  const parts = diffLines(before, after);
  const changed = parts.some((p) => p.added || p.removed);
  return (
    <div className="diff" role="region" aria-label={label} tabIndex={0}>
      {!changed && <span>No differences.</span>}
      {parts.map((part, i) => {
        const lines = part.value.replace(/\n$/, '').split('\n');
        if (part.added) return <span key={i} className="add">{lines.map((l) => `+ ${l}`).join('\n')}</span>;
        if (part.removed) return <span key={i} className="del">{lines.map((l) => `- ${l}`).join('\n')}</span>;
        // Unchanged stretches are folded to their first and last lines.
        const shown = lines.length > 6 ? [...lines.slice(0, 2).map((l) => `  ${l}`), `  … ${lines.length - 4} unchanged lines …`, ...lines.slice(-2).map((l) => `  ${l}`)] : lines.map((l) => `  ${l}`);
        return <span key={i} style={{ display: 'block' }}>{shown.join('\n')}</span>;
      })}
    </div>
  );
}
