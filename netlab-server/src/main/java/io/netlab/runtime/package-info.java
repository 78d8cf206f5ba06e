/** Runtime support shared by the netlab server and client apps: transport selection and console output. */
package io.netlab.runtime;
