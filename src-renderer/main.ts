// Renderer entry: connect to the core (IPC or HTTP), build the root state, mount the app.
import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import App from './App.svelte';
import { connectStudio } from './lib/api/connect.js';
import { StudioState } from './lib/state/studio-state.svelte.js';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

try {
  const studio = new StudioState(await connectStudio());
  mount(App, { target, props: { studio } });
  void studio.start();
} catch (error) {
  console.error(error);
  target.textContent = `Could not start Hike Photo Studio: ${error instanceof Error ? error.message : String(error)}`;
}
