/**
 * Ansible, brought over faithfully: an inventory (INI or YAML, with {@code group_vars/} and
 * {@code host_vars/}) read into the variables Ansible gives each host, Ansible Vault decrypted, and
 * the fleet written back as an inventory. Pure reading and planning; the CLI does the writing.
 */
package io.fleetconf.ansible;
