import { mount } from 'svelte';
import App from './App.svelte';
import { TauriBackend } from './lib/backend';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// 50 ms: the queue of a 1,000-file batch, 7,000 events in a few seconds, re-renders at most 20
// times a second, and a user sees no delay.
mount(App, { target, props: { backend: new TauriBackend(), eventFrameMs: 50 } });
