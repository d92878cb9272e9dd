import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConsoleApp } from './console/ConsoleApp';
import { I18nProvider } from './i18n';
import { usePath } from './router';
import { StoreApp } from './store/StoreApp';
import './styles.css';

function App() {
  const path = usePath();
  return path.startsWith('/console') ? <ConsoleApp path={path} /> : <StoreApp path={path} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <App />
    </I18nProvider>
  </StrictMode>,
);
