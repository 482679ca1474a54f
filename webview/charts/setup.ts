// Chart.js, tree-shaken: only the controllers, elements, scales and plugins the panel uses are
// registered, animation is off globally (steps are not animated), and the step-marker plugin.

import {
  BarController, BarElement, CategoryScale, Chart, Legend, LineController, LineElement, LinearScale,
  LogarithmicScale, PointElement, Title, Tooltip,
} from 'chart.js';
import { stepMarkerPlugin } from './stepMarker';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, LogarithmicScale,
  CategoryScale, Title, Tooltip, Legend, stepMarkerPlugin);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.responsive = true;

export { Chart };
