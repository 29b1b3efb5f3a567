import './lib/zod-csp'
import { mount } from 'svelte'
import App from './App.svelte'
import { taskForms } from './features/registry'
import { connectStudio } from './lib/api/client'
import { Studio, studioKey } from './lib/state/studio.svelte'
import './app.css'

const target = document.getElementById('app')
if (!target) throw new Error('index.html has no #app element')

const studio = new Studio(connectStudio(), taskForms)

export default mount(App, { target, context: new Map([[studioKey, studio]]) })
