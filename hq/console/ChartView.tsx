/**
 * One chart.js chart on a canvas. Animation is off: a year of a 50-store chain is drawn once,
 * at once, and redrawn whole when the data change.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

export function ChartView({ config, testId }: { config: ChartConfiguration; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const chart = new Chart(canvas.current, {
      ...config,
      options: {
        ...config.options,
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
      },
    });
    canvas.current.dataset.rendered = 'true';
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="chart">
      <canvas ref={canvas} data-testid={testId} />
    </div>
  );
}
