/** How each dependency the API reports is named and explained on screen. */
import { mdiDatabaseOutline, mdiTimelineClockOutline } from '@mdi/js';
import type { DependencyStatus } from '../../api/client.ts';

const LABELS: Record<DependencyStatus['name'], { title: string; description: string; icon: string }> = {
  database: {
    title: 'Database',
    description: 'PostgreSQL is reachable and every migration is applied.',
    icon: mdiDatabaseOutline,
  },
  temporal: {
    title: 'Temporal',
    description: 'The Temporal server is reachable and the namespace exists.',
    icon: mdiTimelineClockOutline,
  },
};

export function dependencyLabel(name: DependencyStatus['name']) {
  return LABELS[name];
}
