// The renderer's single door to shared code: everything it knows about main comes from main/contract.
export * from '../../../main/contract'
