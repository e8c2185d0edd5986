// An ES module app: every entry through import.
import 'reflect-metadata';
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';
import * as terminus from '@nestjs/terminus';
import * as root from 'nestjs-zk-discovery';
import * as coreEntry from 'nestjs-zk-discovery/core';
import * as health from 'nestjs-zk-discovery/health';
import * as testing from 'nestjs-zk-discovery/testing';
import registeringApp from './registering-app.cjs';

try {
  const result = await registeringApp.run(process.argv[2], process.argv[3], {
    common,
    core,
    terminus,
    root,
    coreEntry,
    health,
    testing,
  });
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
