// A worker thread of fitPerStructure (./per-structure): runs the fits it was sent.
import { serveTasks } from '../../parallel/tasks';
import { PER_STRUCTURE_FITS } from './per-structure';

void serveTasks(PER_STRUCTURE_FITS);
