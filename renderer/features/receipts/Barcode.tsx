/** A receipt number as a Code 128 barcode (inline SVG, scaled to the paper's width). */
import { code128 } from './code128';

/** Quiet zone each side, in modules (the symbology asks for at least 10). */
const QUIET = 10;

export function Barcode({ value, testId }: { value: string; testId?: string }) {
  const symbol = code128(value);
  if (!symbol) return null;
  const width = symbol.width + 2 * QUIET;
  return (
    <svg
      className="barcode"
      data-testid={testId}
      data-value={value}
      role="img"
      aria-label={`Barcode of ${value}`}
      viewBox={`0 0 ${width} 40`}
      preserveAspectRatio="none"
      shapeRendering="crispEdges"
    >
      <rect x={0} y={0} width={width} height={40} fill="#fff" />
      {symbol.bars.map(([x, w]) => (
        <rect key={x} x={x + QUIET} y={0} width={w} height={40} fill="#000" />
      ))}
    </svg>
  );
}
