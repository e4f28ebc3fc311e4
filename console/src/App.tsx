import { useEffect, useRef } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { useHasRole, useSession } from './session';
import type { Role } from './types';
import { SignIn } from './pages/SignIn';
import { AlertQueue } from './pages/AlertQueue';
import { CasePage } from './pages/CasePage';
import { RulesPage } from './pages/RulesPage';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { CampaignsPage } from './pages/CampaignsPage';
import { CampaignPage } from './pages/CampaignPage';
import { CampaignEditor } from './pages/CampaignEditor';
import { OfferFeed } from './pages/OfferFeed';
import { DecisionRecordPage } from './pages/DecisionRecord';
import { HealthPage } from './pages/HealthPage';
import { ListsPage } from './pages/ListsPage';
import { ModelsPage } from './pages/ModelsPage';

const NAV: { to: string; label: string; roles: Role[] }[] = [
  { to: '/alerts', label: 'Alerts', roles: ['risk', 'risk-admin'] },
  { to: '/rules', label: 'Rules', roles: ['risk', 'risk-admin'] },
  { to: '/models', label: 'Models', roles: ['risk', 'risk-admin'] },
  { to: '/lists', label: 'Lists', roles: ['risk', 'risk-admin'] },
  { to: '/campaigns', label: 'Campaigns', roles: ['marketing'] },
  { to: '/offers', label: 'Live offers', roles: ['marketing'] },
  { to: '/customers', label: 'Decision records', roles: ['marketing', 'risk', 'risk-admin'] },
  { to: '/approvals', label: 'Approvals', roles: ['risk', 'risk-admin', 'marketing'] },
  { to: '/health', label: 'Health', roles: ['sre'] },
];

function home(roles: Role[]): string {
  if (roles.includes('admin') || roles.includes('risk') || roles.includes('risk-admin')) return '/alerts';
  if (roles.includes('marketing')) return '/campaigns';
  if (roles.includes('sre')) return '/health';
  return '/approvals';
}

export function App() {
  const { user, loading, signOut } = useSession();
  const location = useLocation();
  // Moving between pages puts keyboard and screen-reader focus on the new page's heading; a page
  // loaded afresh starts at the top, where the skip link is.
  const firstPage = useRef(true);
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    document.getElementById('page-title')?.focus();
  }, [location.pathname]);

  if (loading) return <main id="main"><p role="status">Loading…</p></main>;
  if (!user) return <SignIn />;
  const canSee = (roles: Role[]) => user.roles.some((r) => r === 'admin' || roles.includes(r));
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">Vigil</span>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((item) => canSee(item.roles)).map((item) => (
              <li key={item.to}><NavLink to={item.to}>{item.label}</NavLink></li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>Signed in as <strong>{user.name}</strong> ({user.roles.join(', ')})</span>
          <button type="button" onClick={() => void signOut()}>Sign out</button>
        </div>
      </header>
      <main id="main">
        <Routes>
          <Route path="/" element={<Navigate to={home(user.roles)} replace />} />
          <Route path="/alerts" element={<Guard roles={['risk', 'risk-admin']}><AlertQueue /></Guard>} />
          <Route path="/alerts/:id" element={<Guard roles={['risk', 'risk-admin']}><CasePage /></Guard>} />
          <Route path="/rules" element={<Guard roles={['risk', 'risk-admin']}><RulesPage /></Guard>} />
          <Route path="/models" element={<Guard roles={['risk', 'risk-admin']}><ModelsPage /></Guard>} />
          <Route path="/lists" element={<Guard roles={['risk', 'risk-admin']}><ListsPage /></Guard>} />
          <Route path="/approvals" element={<ApprovalsPage />} />
          <Route path="/campaigns" element={<Guard roles={['marketing']}><CampaignsPage /></Guard>} />
          <Route path="/campaigns/new" element={<Guard roles={['marketing']}><CampaignEditor /></Guard>} />
          <Route path="/campaigns/:id" element={<Guard roles={['marketing']}><CampaignPage /></Guard>} />
          <Route path="/campaigns/:id/edit" element={<Guard roles={['marketing']}><CampaignEditor /></Guard>} />
          <Route path="/offers" element={<Guard roles={['marketing']}><OfferFeed /></Guard>} />
          <Route path="/customers" element={<DecisionRecordPage />} />
          <Route path="/customers/:id" element={<DecisionRecordPage />} />
          <Route path="/health" element={<Guard roles={['sre']}><HealthPage /></Guard>} />
          <Route path="*" element={<p>No such page. <NavLink to="/">Go to your start page</NavLink>.</p>} />
        </Routes>
      </main>
    </>
  );
}

function Guard({ roles, children }: { roles: Role[]; children: React.ReactNode }) {
  const allowed = useHasRole(...roles);
  if (!allowed) return <p role="alert">This page is for {roles.join(' or ')}; your roles do not include it.</p>;
  return <>{children}</>;
}
