export { nodeSpec as makeNode } from '../../helpers/nodeSpec';
