/** The console's pages: their paths under /ui, titles, and who sees them (the server enforces it regardless). */
import type { ComponentType } from 'preact';
import type { Me } from './api/types.js';
import { AuditPage } from './pages/audit.js';
import { KeysPage } from './pages/keys.js';
import { ModelsPage } from './pages/models.js';
import { OverviewPage } from './pages/overview.js';
import { PlaygroundPage } from './pages/playground.js';
import { SpendPage } from './pages/spend.js';
import { TeamsPage } from './pages/teams.js';

export interface PageSpec {
  path: string;
  title: string;
  adminOnly: boolean;
  component: ComponentType<{ me: Me }>;
}

export const PAGES: readonly PageSpec[] = [
  { path: '/', title: 'Overview', adminOnly: false, component: OverviewPage },
  { path: '/models', title: 'Models', adminOnly: false, component: ModelsPage },
  { path: '/keys', title: 'Keys', adminOnly: false, component: KeysPage },
  { path: '/teams', title: 'Teams and users', adminOnly: true, component: TeamsPage },
  { path: '/spend', title: 'Spend', adminOnly: true, component: SpendPage },
  { path: '/audit', title: 'Audit', adminOnly: true, component: AuditPage },
  { path: '/playground', title: 'Policy playground', adminOnly: true, component: PlaygroundPage },
];
